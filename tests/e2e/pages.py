"""The pages the browser tests visit, relative to the live server."""

HOME = "/"
SECTION = "/mantelzorg/"
ARTICLE = "/mantelzorg/wat-is-mantelzorg/"
PRIVACY = "/over/privacy/"
