"""preflight.inputs"""
