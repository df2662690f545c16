# Mantelzorgacademie Flevoland — `make help` lists every task.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help setup system-deps check build run serve lint format test test-unit test-e2e test-db-postgres audit db bench bench-kaart bench-search te-controleren voorbeeld clean

help: ## Toon alle taken
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-17s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) ## Maak .venv en installeer het project met ontwikkelgereedschap

system-deps: ## Installeer systeempakketten voor de tests (Chromium)
	bash scripts/install-system-deps.sh

check: setup ## Controleer alle inhoud (site-builder check)
	$(BIN)/site-builder check

te-controleren: setup ## Toon organisaties op de sociale kaart die nagekeken moeten worden
	$(BIN)/site-builder te-controleren

build: setup ## Controleer en bouw de site in site/
	$(BIN)/site-builder build

voorbeeld: setup ## Na een wijziging: bouw alleen de veranderde pagina's opnieuw (snel; zo nodig alles)
	$(BIN)/site-builder voorbeeld

# MZA_HTTPS=0: the local server speaks plain http, so the session cookie must not be 'Secure'.
run: build db ## Bouw alles en start portal en dienst op http://127.0.0.1:8000
	MZA_HTTPS=0 $(BIN)/quiz-service serve

serve: setup ## Start portal en dienst zonder opnieuw te bouwen
	MZA_HTTPS=0 $(BIN)/quiz-service serve

db: setup ## Maak of werk de database bij en laad de verzonnen demogegevens
	$(BIN)/quiz-service init-db
	$(BIN)/quiz-service demo-data

lint: setup ## ruff: lint en opmaak; bandit: bekende onveilige patronen in de code
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -c pyproject.toml -r quiz_service site_builder sociale_kaart scripts

format: setup ## ruff: code opmaken
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: setup system-deps lint ## Installeer alles en draai de hele testsuite
	$(BIN)/pytest

test-unit: setup ## Alleen de snelle tests (zonder browser)
	$(BIN)/pytest -m "not e2e"

test-e2e: setup system-deps ## Alleen de browsertests in headless Chromium
	$(BIN)/pytest -m e2e

test-db-postgres: setup ## De databasetests nog eens op PostgreSQL (installeert en start het zo nodig)
	url="$$(bash scripts/start-postgres.sh)" && TEST_DATABASE_URL="$$url" $(BIN)/pytest -m db

audit: setup ## Zoek bekende kwetsbaarheden in de geïnstalleerde pakketten (pip-audit)
	$(BIN)/python scripts/audit-dependencies.py

bench: setup system-deps ## Meet alles (bouwen, zoeken, paginagewicht, dienst onder last) tegen de budgetten; schrijft benchmarks/RESULTATEN.md
	$(BIN)/python -m benchmarks

bench-kaart: setup system-deps ## Meet bouwtijd, sitegrootte en downloadbytes met 5.000 verzonnen organisaties
	$(BIN)/python -m benchmarks.sociale_kaart

bench-search: setup ## Meet zoekindex, zoeksnelheid en bytes per zoekopdracht met 1.000 artikelen en 10.000 organisaties
	$(BIN)/python -m benchmarks.search

clean: ## Verwijder gebouwde bestanden (niet .venv)
	rm -rf build site
