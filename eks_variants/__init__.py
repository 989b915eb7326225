"""Team self-service for eks-variants: `python -m eks_variants new-stack` scaffolds a team stack file, `schema`
regenerates the stack file's JSON Schema, `team-template` builds the lean `pulumi new` template."""
