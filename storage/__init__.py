"""Models, repositories, migrations and the file formats in and out."""
