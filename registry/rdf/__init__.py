"""RDF terms and syntaxes: namespaces, the syntax table, JSON-LD contexts, XML guards."""
