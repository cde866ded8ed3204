# Thin wrappers over docker compose for the deployment in docker-compose.yml (docs/deployment.md). Every target prints
# the command it runs; `make -n TARGET` shows it without running anything.
COMPOSE ?= docker compose
# How many worker replicas `make start` runs.
WORKERS ?= 1
# `make clean VOLUMES=remove` also deletes the volumes (every work order's history, settings, mirrors); the default keeps them.
VOLUMES ?= keep
# Which services `make logs` and `make restart` act on; all of them when empty.
SERVICES ?=

run = echo "+ $(1)" && $(1)

.PHONY: help start logs restart stop clean

help:
	@echo "Agent Work Orders on docker compose (see docs/deployment.md):"
	@echo "  make start                  build and start every service (WORKERS=3 for three workers)"
	@echo "  make logs                   follow the logs (SERVICES=\"api worker\" for some only)"
	@echo "  make restart                restart the services (SERVICES=... for some only)"
	@echo "  make stop                   stop the services, keeping containers and volumes"
	@echo "  make clean                  remove the containers, keeping the volumes"
	@echo "  make clean VOLUMES=remove   remove the containers and the volumes (every work order is lost)"

start:
	@$(call run,$(COMPOSE) up -d --build --scale worker=$(WORKERS))

logs:
	@$(call run,$(strip $(COMPOSE) logs -f --tail=200 $(SERVICES)))

restart:
	@$(call run,$(strip $(COMPOSE) restart $(SERVICES)))

stop:
	@$(call run,$(COMPOSE) stop)

clean:
	@$(call run,$(COMPOSE) down --remove-orphans$(if $(filter remove,$(VOLUMES)), --volumes,))
