"""The Streamlit dashboard: a read-only view of a provenance store.

``streamlit_app.py`` is the entry point (navigation and sidebar); ``data`` is
the only module that reads the store (and the only cached layer); ``render``
is the only module that emits HTML or DOT, escaping every fragment.
"""
