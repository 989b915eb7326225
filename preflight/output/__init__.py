"""preflight.output"""
