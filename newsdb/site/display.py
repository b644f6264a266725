"""How the site shows values to people: figures in Korean and English conventions,
ratios, vocabulary terms by name. Only the pages change; the data keeps the exact value.
"""
from __future__ import annotations

from newsdb.curated.vocabularies import term_name

__all__ = ["figure", "korean_number", "english_number", "ratio", "term_name"]

# Korean groups digits by 10^4: 만, 억 (10^8), 조 (10^12).
KOREAN_UNITS = ((10**12, "조"), (10**8, "억"), (10**4, "만"))
ENGLISH_SCALES = ((10**12, "tn"), (10**9, "bn"), (10**6, "million"))
UNITS = {  # unit: (Korean suffix, English prefix or suffix)
    "USD": ("달러", "USD"), "KRW": ("원", "KRW"), "CNY": ("위안", "CNY"),
    "persons": ("명", "people"),
}


def korean_number(value: float) -> str:
    """3247000 -> 324만 7,000; 827900000000 -> 8,279억; 6.5e12 -> 6조 5,000억."""
    rest = round(value)
    if rest != value or abs(rest) < 10**4:
        return f"{value:,g}" if rest != value else f"{rest:,}"
    parts = []
    for size, name in KOREAN_UNITS:
        if rest >= size:
            parts.append(f"{rest // size:,}{name}")
            rest %= size
    if rest:
        parts.append(f"{rest:,}")
    return " ".join(parts)


def english_number(value: float) -> str:
    """827900000000 -> 827.9 bn; 3247000 -> 3.247 million; 1500 -> 1,500."""
    for size, name in ENGLISH_SCALES:
        if abs(value) >= size:
            return f"{value / size:,.4g} {name}"
    return f"{value:,.4g}" if value != round(value) else f"{round(value):,}"


def figure(value, unit: str | None) -> str:
    """A value in base units with its unit, as a Korean and an English reader write it."""
    if value is None:
        return ""
    if unit == "percent":
        return f"{value:g}%"
    if unit == "fraction":
        return f"{value * 100:.1f}%"
    if unit == "ratio":
        return ratio(value)
    if unit == "count" or not unit:
        return english_number(value)
    korean_suffix, english = UNITS.get(unit, ("", unit))
    # A currency is a word of its own (8,279억 달러); a counter is not (324만 7,000명).
    space = " " if unit in ("USD", "KRW", "CNY") else ""
    korean = f"{korean_number(value)}{space}{korean_suffix}"
    if unit in ("USD", "KRW", "CNY"):
        english_text = f"{english} {english_number(value)}"
    else:
        english_text = f"{english_number(value)} {english}".strip()
    return korean if korean == english_text else f"{korean} · {english_text}"


def ratio(value) -> str:
    if value is None:
        return ""
    return f"{value:.3g}배 · {value:.3g}×"
