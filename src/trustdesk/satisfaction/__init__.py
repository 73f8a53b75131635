"""Customer satisfaction (CSAT): one question after a conversation is resolved, in the chat and by a
signed link in a referenced, DKIM-signed mail; one answer per conversation; results per agent and channel.

    survey.py   the scale, the signed link and the results' arithmetic (pure)
    service.py  offering a survey when a conversation is resolved, taking the answer, the results
    invite.py   the "csat.invite" job: the survey mail (referenced, fingerprinted, signed, sent)
    demo.py     the demo retailers' answers
"""
