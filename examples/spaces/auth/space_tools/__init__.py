"""Tools that build, run and deploy this Hugging Face Docker Space (`python -m space_tools --help`)."""
