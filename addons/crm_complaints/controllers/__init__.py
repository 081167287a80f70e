from . import portal, public_form
