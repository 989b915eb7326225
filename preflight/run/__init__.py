"""preflight.run"""
