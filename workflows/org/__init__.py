"""The organisation: roles, who may do what (`permissions`), the org-file importer, terms."""
