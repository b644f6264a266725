"""How a Korean report says that it only expects, hears or passes on a statement.

One module for the wordings, used by the build (is a curated quote hedged?) and by the
drafting tools (where does a sentence hedge or attribute?).
"""
from __future__ import annotations

import re

# A plan or an expectation, not a fact: '~할 예정', '~할 계획', '~할 전망', '~할 방침'.
PLAN_WORDS = ("예정", "계획", "전망", "방침")
# Heard, not witnessed: '~것으로 알려졌다'.
HEARSAY = "것으로 알려"
# A quote containing any of these is a hedged claim (the build's rule).
EXPECTATION_RE = re.compile("|".join((*PLAN_WORDS, HEARSAY)))

# 'X에 따르면' (according to X): who the sentence's statements are attributed to.
ATTRIBUTION_RE = re.compile(r"([^\s,]+?)(?:에|의)\s*따르면")

# Reported speech: the reporter passes on what someone said ('밝혔다', '말했다').
REPORTED_SPEECH_RE = re.compile(r"(?:밝혔|말했|설명했|전했)다")

# Hedged or attributed stretches of a sentence, for a draft: attribution, hearsay and
# estimates ('것으로 보인다', '추정된다'), reported speech ('밝혔다'), and a plan stated
# as such ('열 계획이다', '참석할 예정이다').
HEDGE_RE = re.compile(
    r"[^\s,]+(?:에|의)\s*따르면|것으로\s*(?:알려졌|전해졌|보인|보고\s*있|예상|추정|관측|집계|내다봤|전망)[가-힣]*"
    r"|(?:추정|전망|예상|관측)(?:된다|됐다|되며|하고|했다|이다|치)|(?:밝혔|말했|설명했|전했|주장했|내다봤)다"
    r"|(?:계획|예정|방침)(?:이다|이며|이고|이라고|인데)"
)


def is_hedged(text: str | None) -> bool:
    """Does the quote only expect or hear what it says?"""
    return bool(text and EXPECTATION_RE.search(text))
