"""The vocabulary event facts are drawn from: regions (places, names), money, media, companies, dates, topics."""

from __future__ import annotations

# ---------------------------------------------------------------------------
# Regions: places and names
# ---------------------------------------------------------------------------

_NAMES = {
    "indian": (
        "Arjun Priya Rahul Meera Vikram Ananya Sanjay Kavita Rohan Deepa Aditya Sunita Karan Nisha "
        "Manoj Lakshmi Suresh Pooja Amit Rekha Harish Shalini Naveen Geeta Farhan Zoya Gurpreet Tenzin",
        "Sharma Verma Iyer Reddy Das Patel Nair Menon Gupta Rao Chauhan Banerjee Mishra Joshi Pillai "
        "Kulkarni Saxena Bhat Mehta Thakur Ghosh Naidu Kapoor Sinha Qureshi Dhillon Lepcha Borah",
    ),
    "korean": (
        "Min-jun Seo-yeon Ji-ho Ha-eun Do-hyun Soo-ah Jae-won Yu-na Sung-min Hye-jin Tae-yang Eun-ji "
        "Kyung-soo Mi-rae Dong-hwan Bo-ram",
        "Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang",
    ),
    "chinese": (
        "Wei Fang Jun Lei Min Jing Hao Yan Tao Xiu Qiang Lin Bo Hui Kai Rong",
        "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo",
    ),
    "japanese": (
        "Haruto Yui Sota Aoi Ren Hina Kenji Mai Daiki Emi Takeshi Naoko Ryo Sakura",
        "Sato Suzuki Takahashi Tanaka Watanabe Ito Yamamoto Nakamura Kobayashi Kato Yoshida Mori",
    ),
    "european": (
        "Claire Julien Camille Antoine Elise Mathieu Sophie Lucas Ingrid Matteo Lena Tomas Ines Pavel",
        "Martin Bernard Dubois Laurent Moreau Lefevre Fournier Girard Keller Rossi Novak Almeida Brandt Costa",
    ),
    "anglo": (
        "Emma Daniel Grace Oliver Hannah Samuel Olivia James Rachel Thomas Laura Patrick Megan Victor",
        "Carter Hughes Bennett Foster Morgan Turner Collins Reed Hayes Brooks Sullivan Walsh Fraser Doyle",
    ),
    "african": (
        "Amara Kwame Zawadi Tunde Nia Kofi Ayo Wanjiru Thabo Fatou Jabari Lindiwe",
        "Okafor Mensah Otieno Abebe Diallo Kamau Nkosi Banda Achieng Mwangi Sesay Adeyemi",
    ),
}

# (city, country, country adjective, name pool)
_REGIONS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "india": tuple(
        (c, "India", "Indian", "indian")
        for c in (
            "New Delhi Mumbai Kolkata Chennai Bengaluru Hyderabad Lucknow Jaipur Patna Bhopal Guwahati "
            "Thiruvananthapuram Ahmedabad Pune Chandigarh Bhubaneswar Ranchi Dehradun Srinagar Shimla "
            "Raipur Imphal Panaji Visakhapatnam Nagpur Indore Kochi Madurai"
        )
        .replace("New Delhi", "New_Delhi")
        .split()
    ),
    "korea": tuple(
        (c, "South Korea", "South Korean", "korean")
        for c in [
            "Seoul",
            "Busan",
            "Incheon",
            "Daegu",
            "Gwangju",
            "Daejeon",
            "Ulsan",
            "Suwon",
            "Sejong",
            "Jeju",
            "Changwon",
            "Pohang",
        ]
    ),
    "china": tuple(
        (c, "China", "Chinese", "chinese")
        for c in [
            "Beijing",
            "Shanghai",
            "Guangzhou",
            "Shenzhen",
            "Chengdu",
            "Wuhan",
            "Hangzhou",
            "Tianjin",
            "Kunming",
            "Nanjing",
            "Harbin",
            "Lanzhou",
        ]
    ),
    "japan": tuple(
        (c, "Japan", "Japanese", "japanese")
        for c in [
            "Tokyo",
            "Osaka",
            "Nagoya",
            "Sapporo",
            "Fukuoka",
            "Kobe",
            "Kyoto",
            "Sendai",
            "Hiroshima",
            "Niigata",
            "Okayama",
        ]
    ),
    "europe": (
        ("Paris", "France", "French", "european"),
        ("Lyon", "France", "French", "european"),
        ("Marseille", "France", "French", "european"),
        ("Geneva", "Switzerland", "Swiss", "european"),
        ("Brussels", "Belgium", "Belgian", "european"),
        ("Berlin", "Germany", "German", "european"),
        ("Vienna", "Austria", "Austrian", "european"),
        ("Madrid", "Spain", "Spanish", "european"),
        ("Rome", "Italy", "Italian", "european"),
        ("Lisbon", "Portugal", "Portuguese", "european"),
        ("Dakar", "Senegal", "Senegalese", "african"),
        ("Abidjan", "Ivory Coast", "Ivorian", "african"),
    ),
    "world": (
        ("London", "Britain", "British", "anglo"),
        ("Manchester", "Britain", "British", "anglo"),
        ("Washington", "the United States", "US", "anglo"),
        ("Chicago", "the United States", "US", "anglo"),
        ("Toronto", "Canada", "Canadian", "anglo"),
        ("Sydney", "Australia", "Australian", "anglo"),
        ("Singapore", "Singapore", "Singaporean", "chinese"),
        ("Nairobi", "Kenya", "Kenyan", "african"),
        ("Johannesburg", "South Africa", "South African", "african"),
        ("Lagos", "Nigeria", "Nigerian", "african"),
        ("Accra", "Ghana", "Ghanaian", "african"),
        ("Dubai", "the United Arab Emirates", "Emirati", "anglo"),
    ),
}
_REGIONS["india"] = tuple((c.replace("_", " "), *rest) for c, *rest in _REGIONS["india"])  # type: ignore[misc]

_MONEY = {
    "india": ("Rs {a} crore", (120, 9800)),
    "korea": ("{a} billion won", (40, 4800)),
    "china": ("{a} million yuan", (60, 9200)),
    "japan": ("{a} billion yen", (3, 880)),
    "europe": ("{a} million euros", (4, 960)),
    "world": ("${a} million", (5, 990)),
}
_MEDIA = {
    "india": (
        "local television channels",
        "officials in the state government",
        "regional newspapers",
    ),
    "korea": ("local media outlets", "South Korean broadcasters", "government sources in Seoul"),
    "china": ("state media", "local officials", "a government notice"),
    "japan": ("public broadcaster reports", "government sources", "local media"),
    "europe": (
        "local media outlets",
        "officials familiar with the matter",
        "a government statement",
    ),
    "world": (
        "local media outlets",
        "people familiar with the matter",
        "officials briefed on the plan",
    ),
}

_COMPANY_A = [
    "Sun",
    "Blue",
    "Silver",
    "River",
    "North",
    "Bright",
    "Iron",
    "Lotus",
    "Summit",
    "Harbor",
    "Crest",
    "Maple",
    "Coral",
    "Falcon",
    "Amber",
    "Cedar",
    "Orbit",
    "Prism",
    "Delta",
    "Nova",
    "Jade",
    "Opal",
    "Quartz",
    "Willow",
]
_COMPANY_B = [
    "vale",
    "line",
    "point",
    "field",
    "gate",
    "stone",
    "wave",
    "bridge",
    "core",
    "path",
    "ridge",
    "haven",
]
_COMPANY_C = [
    "Technologies",
    "Industries",
    "Energy",
    "Motors",
    "Systems",
    "Holdings",
    "Logistics",
    "Pharma",
    "Networks",
    "Foods",
]

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MON = ("Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sep", "Oct", "Nov", "Dec")
_MOND = (
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
)

# ---------------------------------------------------------------------------
# Topics: the vocabulary that event facts are drawn from
# ---------------------------------------------------------------------------


def _t(s: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in s.split(";") if x.strip())


_TOPICS: dict[str, dict[str, tuple[str, ...]]] = {
    "defence": dict(
        noun=_t("defence"),
        roles=_t(
            "Defence Minister; Army Chief; Navy Spokesperson; Air Marshal; Deputy Defence Minister; Military Intelligence Director"
        ),
        orgs=_t(
            "the defence ministry; the joint chiefs of staff; the national intelligence service; the coast guard; the border security command; the military procurement agency"
        ),
        adj=_t(
            "joint; large-scale; three-day; night-time; coastal; long-range; unannounced; week-long"
        ),
        subj=_t(
            "naval exercise; missile test; troop rotation; border patrol operation; air defence drill; surveillance flight programme; artillery exercise; amphibious landing drill"
        ),
        issues=_t(
            "cross-border troop movements; illegal arms transfers; repeated airspace violations; a widening military partnership; the deployment of foreign personnel; drone incursions along the frontier"
        ),
        units=_t("troops; soldiers; warships; fighter jets; personnel; armoured vehicles"),
        triggers=_t(
            "reports of unusual troop movements; satellite images released by analysts; a series of drone sightings; a warning from allied intelligence agencies"
        ),
        actions=_t(
            "strengthen surveillance along the northern frontier; expand joint training with partner navies; upgrade radar stations on outlying islands; review the readiness of reserve units"
        ),
    ),
    "economy": dict(
        noun=_t("trade and investment"),
        roles=_t(
            "Finance Minister; Central Bank Governor; Commerce Secretary; Chief Economic Adviser; Trade Minister; Revenue Secretary"
        ),
        orgs=_t(
            "the finance ministry; the central bank; the statistics office; the chamber of commerce; the export promotion council; the tax authority"
        ),
        adj=_t("revised; phased; emergency; nationwide; targeted; five-year; interim"),
        subj=_t(
            "fuel subsidy scheme; export credit programme; tax relief package; small business loan plan; customs overhaul; infrastructure bond sale; tariff review"
        ),
        issues=_t(
            "rising food prices; a slowdown in factory output; weak export demand; volatile currency markets; a shortage of affordable credit; stubborn core inflation"
        ),
        units=_t("companies; exporters; small firms; households; jobs"),
        triggers=_t(
            "weaker-than-expected growth figures; a sharp fall in exports last quarter; pressure from industry associations; a surprise jump in consumer prices"
        ),
        actions=_t(
            "cut borrowing costs for small traders; simplify the filing of indirect taxes; widen access to export insurance; trim the fiscal deficit"
        ),
    ),
    "health": dict(
        noun=_t("public health"),
        roles=_t(
            "Health Minister; Health Secretary; Director of Public Health; Chief Medical Officer; Disease Control Commissioner"
        ),
        orgs=_t(
            "the health ministry; the disease control agency; the state medical council; the national vaccination board; the public hospitals association"
        ),
        adj=_t("door-to-door; free; mandatory; expanded; pilot; school-based"),
        subj=_t(
            "vaccination drive; screening campaign; dengue control programme; mobile clinic network; nutrition scheme; hospital upgrade plan"
        ),
        issues=_t(
            "a surge in respiratory infections; shortages of essential medicines; overcrowded emergency wards; rising cases of dengue; gaps in rural health coverage"
        ),
        units=_t("patients; health workers; children; hospital beds; clinics"),
        triggers=_t(
            "a spike in hospital admissions; warnings from district health officers; the findings of a national survey; complaints from patient groups"
        ),
        actions=_t(
            "hire more nurses for district hospitals; distribute test kits to village clinics; extend outpatient hours; set up fever clinics in crowded neighbourhoods"
        ),
    ),
    "disaster": dict(
        noun=_t("disaster response"),
        roles=_t(
            "Disaster Management Minister; Chief Meteorologist; Relief Commissioner; Fire Service Chief; District Collector"
        ),
        orgs=_t(
            "the meteorological department; the disaster response force; the relief commissioner's office; the flood control board; the civil defence corps"
        ),
        adj=_t("round-the-clock; large-scale; emergency; coordinated; multi-district"),
        subj=_t(
            "rescue operation; evacuation effort; relief distribution; flood warning system; landslide clearance drive"
        ),
        issues=_t(
            "heavy overnight rainfall; overflowing rivers; damaged power lines; blocked mountain roads; landslides in hilly districts; a severe cold wave"
        ),
        units=_t("residents; families; villages; relief camps; rescue boats"),
        triggers=_t(
            "a red alert issued by forecasters; a breach in a river embankment; days of torrential rain; reports of stranded villagers"
        ),
        actions=_t(
            "move families from low-lying areas; restore electricity to affected districts; reopen the highway to traffic; deploy additional rescue boats"
        ),
    ),
    "technology": dict(
        noun=_t("digital infrastructure"),
        roles=_t(
            "IT Minister; Chief Technology Officer; Cybersecurity Director; Telecom Secretary; Chief Executive"
        ),
        orgs=_t(
            "the telecom regulator; the cybersecurity agency; the electronics ministry; the data protection board; the national semiconductor mission"
        ),
        adj=_t("nationwide; next-generation; open; secure; AI-based; low-cost"),
        subj=_t(
            "5G rollout; chip fabrication plant; data centre project; digital identity platform; satellite internet service; cloud computing hub"
        ),
        issues=_t(
            "a wave of ransomware attacks; concerns over user privacy; a global shortage of chips; outages on mobile networks; the spread of fraudulent apps"
        ),
        units=_t("users; engineers; start-ups; mobile towers; servers"),
        triggers=_t(
            "a breach affecting millions of accounts; a slowdown in network speeds; complaints about spam calls; a review ordered by parliament"
        ),
        actions=_t(
            "tighten rules for storing personal data; offer incentives to chip designers; connect remote villages to broadband; audit the security of government websites"
        ),
    ),
    "sport": dict(
        noun=_t("sport"),
        roles=_t("Sports Minister; Head Coach; Team Captain; Federation President; Chief Selector"),
        orgs=_t(
            "the national cricket board; the football federation; the olympic association; the hockey federation; the athletics federation"
        ),
        adj=_t("upcoming; two-match; home; qualifying; preparatory"),
        subj=_t(
            "Test series; championship campaign; training camp; qualifying tournament; league season"
        ),
        issues=_t(
            "a string of injuries; poor form in the middle order; a dispute over selection; delays in stadium upgrades; concerns over player workload"
        ),
        units=_t("players; athletes; matches; spectators; medals"),
        triggers=_t(
            "a heavy defeat in the last match; the withdrawal of two senior players; criticism from former captains; a review of the selection process"
        ),
        actions=_t(
            "give younger players more game time; rotate the fast bowlers; hold a camp at high altitude; bring in a specialist fielding coach"
        ),
    ),
    "courts": dict(
        noun=_t("legal reform"),
        roles=_t(
            "Chief Justice; Attorney General; Solicitor General; Senior Advocate; Police Commissioner"
        ),
        orgs=_t(
            "the supreme court; the high court; the central investigation bureau; the anti-corruption bureau; the state police"
        ),
        adj=_t("fresh; detailed; time-bound; independent; court-monitored"),
        subj=_t("inquiry; hearing; bail plea; corruption probe; petition; charge sheet"),
        issues=_t(
            "delays in the investigation; alleged irregularities in land allocation; the detention of activists; missing case records; a pattern of custodial complaints"
        ),
        units=_t("accused; witnesses; officials; documents; properties"),
        triggers=_t(
            "a petition filed by residents; new evidence submitted by investigators; the arrest of a senior official; a complaint by opposition members"
        ),
        actions=_t(
            "submit a status report within four weeks; freeze the bank accounts of the accused; protect the identity of witnesses; transfer the case to a special bench"
        ),
    ),
    "politics": dict(
        noun=_t("electoral matters"),
        roles=_t(
            "Chief Minister; Opposition Leader; Parliamentary Affairs Minister; Party President; Election Commissioner"
        ),
        orgs=_t(
            "the election commission; the ruling coalition; the main opposition party; the state assembly; the parliamentary committee"
        ),
        adj=_t("crucial; by-election; upcoming; special; two-phase"),
        subj=_t(
            "assembly session; seat-sharing agreement; no-confidence motion; voter registration drive; by-election campaign; cabinet reshuffle"
        ),
        issues=_t(
            "defections from the ruling bloc; allegations of voter list errors; a row over seat sharing; protests by farmers' unions; a dispute over the speaker's role"
        ),
        units=_t("voters; lawmakers; polling stations; candidates; seats"),
        triggers=_t(
            "the resignation of two ministers; a walkout by opposition members; complaints from rival candidates; the announcement of the poll schedule"
        ),
        actions=_t(
            "hold the vote in two phases; deploy additional observers; publish the revised voter rolls; convene an all-party meeting"
        ),
    ),
    "transport": dict(
        noun=_t("transport links"),
        roles=_t(
            "Transport Minister; Railway Board Chairman; Civil Aviation Secretary; Metro Managing Director; Ports Minister"
        ),
        orgs=_t(
            "the railway ministry; the civil aviation authority; the highways authority; the metro rail corporation; the port trust"
        ),
        adj=_t("high-speed; elevated; new; six-lane; long-delayed; driverless"),
        subj=_t(
            "rail corridor; metro line; airport terminal; expressway project; ferry service; freight terminal"
        ),
        issues=_t(
            "chronic traffic congestion; delays in land acquisition; cost overruns; a shortage of trained pilots; safety lapses at level crossings"
        ),
        units=_t("passengers; trains; flights; kilometres; buses"),
        triggers=_t(
            "a derailment near a busy junction; complaints about overcrowding; an audit of pending projects; the approval of fresh funding"
        ),
        actions=_t(
            "complete the track doubling work; add more coaches to suburban trains; open the terminal to domestic flights; install automatic signalling"
        ),
    ),
    "environment": dict(
        noun=_t("conservation"),
        roles=_t(
            "Environment Minister; Forest Conservator; Pollution Control Chairman; Wildlife Warden; Climate Envoy"
        ),
        orgs=_t(
            "the environment ministry; the pollution control board; the forest department; the wildlife institute; the climate change council"
        ),
        adj=_t("ambitious; long-term; city-wide; restoration; emergency"),
        subj=_t(
            "clean air plan; tree planting campaign; wetland protection project; ban on single-use plastics; tiger census; river clean-up mission"
        ),
        issues=_t(
            "hazardous air quality; illegal sand mining; shrinking forest cover; poaching in protected areas; untreated sewage in rivers"
        ),
        units=_t("trees; hectares; species; industrial units; tonnes of waste"),
        triggers=_t(
            "a spike in pollution readings; the death of a tigress near a highway; satellite data on forest loss; a report on groundwater depletion"
        ),
        actions=_t(
            "shut polluting brick kilns; set up more air quality monitors; fence the core areas of the reserve; impose fines on illegal dumping"
        ),
    ),
    "education": dict(
        noun=_t("schooling"),
        roles=_t(
            "Education Minister; Vice-Chancellor; School Education Secretary; Exam Board Chairman; Principal Secretary"
        ),
        orgs=_t(
            "the education ministry; the school examination board; the university grants body; the national testing agency; the teachers' federation"
        ),
        adj=_t("revised; four-year; digital; merit-based; bilingual"),
        subj=_t(
            "curriculum framework; entrance examination; scholarship scheme; teacher recruitment drive; school meal programme"
        ),
        issues=_t(
            "a paper leak in the entrance test; teacher vacancies in rural schools; rising dropout rates; a shortage of classrooms; delays in declaring results"
        ),
        units=_t("students; teachers; schools; colleges; candidates"),
        triggers=_t(
            "protests by aspiring candidates; the findings of an audit; a sharp fall in enrolment; a court order on admissions"
        ),
        actions=_t(
            "hold a re-examination for affected candidates; fill vacant teaching posts; provide tablets to senior students; publish results within a month"
        ),
    ),
    "space": dict(
        noun=_t("space research"),
        roles=_t(
            "Space Agency Chairman; Mission Director; Science Minister; Chief Scientist; Project Director"
        ),
        orgs=_t(
            "the space agency; the national science academy; the atomic energy commission; the ocean research institute; the national observatory"
        ),
        adj=_t("lunar; reusable; solar; deep-sea; crewed; experimental"),
        subj=_t(
            "launch vehicle test; orbiter mission; satellite launch; research expedition; telescope project"
        ),
        issues=_t(
            "delays in engine qualification; a budget squeeze on research; a glitch in the guidance system; concerns over space debris"
        ),
        units=_t("satellites; scientists; experiments; kilograms of payload; tests"),
        triggers=_t(
            "a successful static fire test; a delay caused by bad weather; the failure of a previous launch; the approval of the mission by the cabinet"
        ),
        actions=_t(
            "launch the satellite from the coastal spaceport; test the crew escape system; share data with international partners; build a second launch pad"
        ),
    ),
}
_TOPIC_NAMES = tuple(_TOPICS)
