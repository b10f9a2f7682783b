"""Export and import of a whole site or of one unit's subtree (docs/exportimport.md)."""
