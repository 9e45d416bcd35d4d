# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Tools that build, run and deploy this Hugging Face Docker Space (`./space --help`)."""
