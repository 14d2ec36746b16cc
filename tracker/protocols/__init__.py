"""Reading protocols: from a Russian protocol (text, Markdown or Word) to a reviewed draft.

The parser is pure (no database, no clock): ``parse_document(data, filename)`` or
``parse_text(text)`` → ``ParsedProtocol``; bad input raises ``ProtocolError`` and nothing else.
Matching addressees to schools is ``tracker.protocols.addressees`` (it reads the database).
"""
