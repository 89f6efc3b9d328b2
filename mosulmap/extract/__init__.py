"""Extraction stage: dated control claims from raw news articles.

Input is article text (scrape noise and all) plus optional metadata; output is, per article, the
publication date and how it was found, the day the story describes, the claims (one per date,
place and status, each with its sentence as quote), the names that could not be placed, and what
was skipped and why. The pipeline is easy to follow, one module per concept:

``layout``    page → headline, dateline, prose and heading blocks, noise dropped;
``timex``     time expressions: recognition, then normalisation against the article's anchors;
``mentions``  place names in a clause, resolved one by one, each with its role (Arabic lists:
              ``arabic_lists``);
``frames``    clauses → (trigger, place, time expressions) frames;
``anaphora``  clauses that point back to places named before;
``dating``    the article's dates: publication, story, sections, phases of the offensive;
``article``   frames → dated claims, with the scope rules for dates;
``files``     article files and their metadata sidecars.

Precision before recall: a wrong claim on the map is worse than a missing one.
"""

from mosulmap.extract.article import ArticleResult, extract_text
from mosulmap.extract.files import extract_file, extract_files, read_metadata
from mosulmap.extract.layout import clean_text, split_sentences
from mosulmap.extract.mentions import Unplaced

__all__ = ["ArticleResult", "Unplaced", "clean_text", "extract_file", "extract_files", "extract_text",
           "read_metadata", "split_sentences"]
