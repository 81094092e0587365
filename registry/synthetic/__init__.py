"""``registry generate``: synthetic catalogues for tests and benchmarks.

n varied descriptions that conform to the profile: the nine cancer types of today's
federation and, now and then, another condition of the registry's scheme; modalities, body
parts, sexes and ages that fit the condition; all three access levels; providers in 15 EU
countries. The same seed gives the same bytes. The modules, in the order a record is made:

- ``tables``: the values drawn from and how often, the registry's labels and codes;
- ``agents``: the providers and health data access bodies that datasets cite by IRI;
- ``facts``: what one dataset says, drawn before any text is written;
- ``turtle``: Turtle composed with string formatting, one ``Node`` a subject;
- ``records``: one dataset description (``record``), or the first n (``records``);
- ``writer``: the agents and n records written into a folder on every core;
- ``command``: the ``registry generate`` command line.
"""
