"""The write side: record layout, submission, the one write transaction, history,
agents, accounts, audit, loading many files."""
