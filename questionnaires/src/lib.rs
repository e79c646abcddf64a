//! Questionnaires and programmes (filled in by the questionnaires issue).
