"""The bundled example school, and the scripted run of `caitien demo`."""
