"""Dashboard pages, one module per page (run by st.navigation, not imported)."""
