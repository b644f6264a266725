"""Controlled vocabularies: every value with its meaning.

One source of truth: the models validate against these, metadata.yml documents them and
the exports turn them into enum constraints.
"""

COUNTRIES = {
    "KR": "Republic of Korea (South Korea)",
    "CN": "People's Republic of China",
}

ORGANIZATION_KINDS = {
    "government_ministry": "a national government ministry",
    "company": "a business company",
    "holding_company": "a company that owns and manages other companies",
    "research_facility": "a research institute or large research infrastructure",
    "science_park": "a science or high-tech park, or a technology cluster",
}

PLACE_KINDS = {
    "country": "a country",
    "city": "a city",
    "district": "a district within a city",
    "science_park": "a science or high-tech park",
    "facility": "a building or research facility",
    "venue": "a venue where an event takes place",
}

COORDINATE_PRECISIONS = {
    "site": "the site itself, within about 1 km",
    "centroid": "a representative point of a country, city, district or park",
    "parent": "the exact site is unknown; the coordinates are those of its parent place",
}

EVENT_KINDS = {
    "official_visit": "a minister's official visit as a whole, the umbrella of its legs",
    "visit": "a visit to a city or an organization",
    "ministerial_meeting": "a meeting between ministers of two governments",
    "expo": "an exhibition or trade fair",
    "showcase": "a showcase presenting content or products",
    "inspection": "an inspection tour of a site",
    "meeting": "a meeting or talks with people or an organization",
    "investor_presentation": "a pitch event where projects are presented to investors",
    "workshop": "a workshop or seminar",
}

DATE_BASES = {
    "stated": "the article gives the day",
    "inferred": "derived from context; a note says how",
}

TIMES_OF_DAY = {
    "morning": "오전, before noon",
    "afternoon": "오후, after noon",
    "evening": "저녁 or 밤",
}

EVENT_STATUSES = {
    "planned": "announced ahead of the event",
    "held": "reported as having happened",
    "cancelled": "reported as cancelled",
}

PARTICIPANT_ROLES = {
    "host": "hosts or leads the event (for a visit: the side being visited)",
    "counterpart": "the other side of a meeting",
    "attendee": "takes part without hosting",
    "organizer": "organises the event",
}

STATISTIC_CATEGORIES = {
    "research_workforce": "research and development personnel",
    "publications": "scientific papers and citations",
    "patents": "patent applications and grants",
    "foreign_reserves": "foreign exchange reserves",
    "trade": "exports, trade balances and export shares",
    "manufacturing": "manufacturing output and rankings",
    "market": "market size and market rankings",
    "innovation_infrastructure": "science parks, development zones and incubators",
    "corporate": "a company's own figures",
}

UNITS = {
    "persons": "number of people",
    "count": "number of things (zones, incubators, ...)",
    "percent": "percentage points (25.8 means 25.8%)",
    "ratio": "times another figure (4.7 means 4.7 times compared_to_id)",
    "fraction": "a share between 0 and 1 (1/3 is 0.333...)",
    "USD": "US dollars (ISO 4217)",
    "KRW": "South Korean won (ISO 4217)",
    "CNY": "Chinese yuan renminbi (ISO 4217)",
}

QUALIFIERS = {
    "exact": "the number as stated",
    "approx": "approximately: 여, 약",
    "more_than": "more than: 넘어, 이상, 초과",
    "less_than": "less than: 미만, 이하",
}

RANK_SCOPES = {
    "world": "among all countries or companies worldwide",
    "country": "within one country (China unless stated)",
}

MOU_STATUSES = {
    "planned": "to be signed",
    "signed": "reported as signed",
}

POLICY_STANCES = {
    "adopted": "the strategy the country pursues",
    "abandoned": "the strategy the country moved away from",
}

NOTE_KINDS = {
    "inference": "a value derived from context rather than stated",
    "inconsistency": "the article contradicts itself",
    "editorial": "a choice made by the editors of this package",
    "fact_check": "the article's claim compared with other sources",
    "source_artefact": "a feature of the captured page, not of the article",
}


# How the site names a term where the term itself is a code: every other term is shown
# as written, with its underscores as spaces (official_visit -> official visit).
short_names = {
    "countries": {"KR": "Korea", "CN": "China"},
}


def term_name(vocabulary: str, term: str) -> str:
    return short_names.get(vocabulary, {}).get(term) or term.replace("_", " ")
