"""Reviews recorded in the app, their survey links (QR codes, slips) and response rates."""
