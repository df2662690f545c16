"""The sociale kaart: organisations that help mantelzorgers, loaded, checked and exported."""
