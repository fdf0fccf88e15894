"""Steps that span areas: each calls the services of two or more areas, in one transaction.

The areas' services never call each other's writes; a step that needs two of them lives
here, and the HTTP layer calls it (the arrangement Netflix's Dispatch keeps in ``flows``).
"""
