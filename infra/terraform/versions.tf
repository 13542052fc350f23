terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }

  # State holds generated database passwords: keep it in an encrypted, versioned bucket.
  # `terraform init -backend-config=backend.hcl` (see backend.hcl.example).
  backend "s3" {}
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      project     = "gridcare"
      environment = var.environment
      managed_by  = "terraform"
    }
  }
}

# CloudFront only takes certificates and WAF web ACLs from us-east-1.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

  default_tags {
    tags = {
      project     = "gridcare"
      environment = var.environment
      managed_by  = "terraform"
    }
  }
}
