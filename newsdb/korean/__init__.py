"""The Korean language: numbers and ranges (numbers.py), dates, periods and times of day
(dates.py), and the morphological analyser behind search (analyser.py). Knows nothing of
the project's files or tables."""
