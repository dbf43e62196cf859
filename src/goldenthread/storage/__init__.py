"""Files held in the database, so that every web server and worker sees the same ones (issue 17):
uploads between their preview and their load (``performance.staging``) and files written by one
machine and handed over by another, such as board packs built by the worker (:mod:`.files`)."""
