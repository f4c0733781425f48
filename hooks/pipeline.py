"""The page pipeline, as MkDocs calls it: the only hook that changes a page's HTML.

The steps and their order are stated in publishing/pipeline.py; this file only connects them to
MkDocs' events. The site stage runs last of all post_build work (after static-i18n has built
every language, priority -100, and after the search indexes are split): see
tests/unit/test_pipeline_order.py, which fails if anything changes a page after it.
"""

from __future__ import annotations

from mkdocs.plugins import event_priority

from publishing import languages, pipeline


def on_startup(command, dirty):
    pipeline.state.serve = command == "serve"


def on_config(config):
    if not languages.is_inner_build(config):
        pipeline.state.reset()


def on_page_markdown(markdown, page, config, files):
    return pipeline.markers(markdown, page, config)


@event_priority(-100)  # after every other content handler: the sanitiser sees what ships
def on_page_content(html, page, config, files):
    return pipeline.content(html)


@event_priority(-100)  # after Material's search plugin, which reads and edits page.content
def on_page_context(context, page, config, nav):
    # The content is the sanitiser's output (step 2): the theme prints it as HTML.
    page.content = pipeline.trusted(page.content)
    return context


@event_priority(-100)  # after every other post_page handler
def on_post_page(output, page, config):
    return pipeline.page(output, page, config)


@event_priority(-100)
def on_post_template(output, template_name, config):
    # sitemap.xml and the like: documents, not pages; nothing to do
    return output


@event_priority(-300)  # last: after static-i18n (-100) and the search indexes (-200)
def on_post_build(config):
    if languages.is_inner_build(config):
        return  # an inner, per-language build: the outer one runs the site stage once
    pipeline.site(config)
