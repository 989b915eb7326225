"""preflight.program"""
