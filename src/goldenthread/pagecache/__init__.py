"""Figures kept between requests: each page's assessment computed once and kept in the database,
shared by every web server and the task worker (:mod:`goldenthread.pagecache.store`)."""
