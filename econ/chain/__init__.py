"""The cost chain of DESIGN.md, in order: inputs -> spend -> monthly cash flows -> finance ->
break-even -> evaluate; plus the serving bill per side.

Imports the packages below it: base, io, model, serving, evidence.
"""
