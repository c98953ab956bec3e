"""kg: a knowledge graph of meetings, persons, organizations and directives from Chinese meeting reports."""

__version__ = "0.1.0"
