"""Portable output: the site works from any host, under any sub-path and from disk (file://).

* Material's static ``404.html`` links its styles root-absolutely (unstyled under a sub-path) and
  static-i18n renders it once per language into the same file, so the last language built wins.
  We drop it; each language has ``docs/<lang>/404.md`` rendered by the self-contained
  ``overrides/404.html`` instead (styles inline, so it looks right at any URL depth).
* ``sitemap.xml`` needs absolute addresses. Without ``site_url`` it would list ``None`` URLs,
  so it is written only when a publisher sets ``site_url``.
"""


def on_config(config):
    config.theme.static_templates.discard("404.html")
    if not config.site_url:
        config.theme.static_templates.discard("sitemap.xml")
    return config


def on_files(files, config):
    # A template dropped from static_templates would otherwise be copied verbatim as a theme file.
    if not config.site_url:
        for file in list(files):
            if file.dest_uri in ("sitemap.xml", "sitemap.xml.gz"):
                files.remove(file)
    return files
