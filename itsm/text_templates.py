"""Plain-text templates (`*.txt`: email subjects and bodies) render without HTML escaping.

Settings put a template engine with autoescape off first, whose loader serves only `.txt`
names; every other template falls through to the HTML engine. So every caller of
render_to_string gets "R&D printer <3F>" in a text email, not "R&amp;D printer &lt;3F&gt;",
without having to remember `{% autoescape off %}`.
"""

from django.template import TemplateDoesNotExist
from django.template.loaders.cached import Loader as CachedLoader

TEXT_SUFFIX = ".txt"


class PlainTextLoader(CachedLoader):
    def get_template(self, template_name, skip=None):
        if not template_name.endswith(TEXT_SUFFIX):
            raise TemplateDoesNotExist(template_name)
        return super().get_template(template_name, skip)
