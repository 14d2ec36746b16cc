"""Languages: Russian (the source language of every message) and English.

- ``locales``: which locales exist, how a request's locale is chosen, the per-request contextvar.
- ``catalog``: the gettext catalogs in ``translations/`` and the lookups templates and code use.
- ``formats``: dates and plural forms by Babel's CLDR data.
- ``middleware``: sets the request's locale; ``controllers``: ``POST /language``.
- ``messages``: the fixed messages Python code shows, listed for extraction into the catalog.

Commands (the Makefile's ``messages`` target)::

    pybabel extract -F babel.cfg -k N_ --no-location --sort-output -o translations/messages.pot .
    pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching
"""
