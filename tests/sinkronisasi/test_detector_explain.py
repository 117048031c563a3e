"""The detector builds the reasons only for pairs it flags, and they are the same as when a pair is asked about."""

from sinkronisasi import evaluation


def test_flagged_pairs_carry_the_same_signals_as_a_pair_asked_about_and_others_none():
    facts, _raw = evaluation.load_rows(evaluation.SETS / "dev_renja.csv")
    detector = evaluation.build_detector(facts, evaluation.Params())
    flagged = detector.findings()
    assert flagged
    for finding in flagged:
        asked = detector.score(finding.a, finding.b)
        assert (asked.score, asked.signals) == (finding.score, finding.signals)
    keys = {f.key for f in flagged}
    quiet = [pair for pair in detector.candidates() if pair not in keys][:200]
    assert quiet
    for a, b in quiet:
        fast, full = detector.score(a, b, explain=False), detector.score(a, b)
        assert fast.score == full.score < detector.params.threshold
        assert fast.signals in ({}, {"lokasi_bertemu": False}) and (full.signals or fast.signals)
