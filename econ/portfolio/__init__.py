"""The portfolio screen: one scenario per task from a usage log on a template, scored in one
vectorized evaluation, ranked, with verdicts and a budget.

Imports every econ package below it (base .. risk); nothing above.
"""
