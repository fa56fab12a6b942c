"""Who may read what, for the whole reflections app. Views ask here; nothing else decides.

A practitioner's answers are readable by them, and by a colleague only through an
accepted, revealed, not-ended share of that exercise. Nobody else: not another
practitioner, a team manager, a trainer or an administrator.
"""
