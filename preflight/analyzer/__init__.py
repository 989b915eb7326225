"""preflight.analyzer"""
