"""The sidebar: every scenario input. editor: the sections and `render_sidebar`; form: the generic form
builder; fields: reading the models; serving: the serving widgets; quality: the quality section with measured
rates; errors: validation and error placement.
"""

from ui.sidebar.editor import render_sidebar

__all__ = ["render_sidebar"]
