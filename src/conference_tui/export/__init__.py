"""Notes that leave the laptop: Markdown and HTML exports, JSON archives, roster imports.

Each name lives in one module, imported from there; this package imports nothing,
so a caller that needs one enum does not load the renderers with it:

- `notes`: `export_notes`, `ExportResult`, `ExportCancelled`: a scope's notes
  written as files, run in a worker thread by the export command and the TUI's
  export dialog;
- `scope`: what an export covers and for whom (`ExportScope`, `Audience`, `Per`,
  `Format`, `find_student`, `find_class`), the notes read through the store, and
  `DISCLOSURE_WARNING`, shown before the teacher confirms an export;
- `selection`: what an audience sees of the notes, before any format;
- `markdown`, `html`: the two renderers;
- `copying`: one conference as text to paste (the TUI's copy keys);
- `files`: `ExportError`, safe file names, private files synced in the background;
- `archive`, `json_stream`: the JSON archive written by `backup`, read by `import`;
- `roster_csv`, `roster_files`: roster files from school systems.

Every failure is an `ExportError` whose message can be shown as it is (the store's
own errors are `StoreError`s); a failed or cancelled export removes the files it
had written.
"""
