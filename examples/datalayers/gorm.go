package datalayers

import (
	"database/sql"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
)

func openGORM(db *sql.DB) (*gorm.DB, error) { // db from sqltrace.Open("pgx", dsn)
	return gorm.Open(postgres.New(postgres.Config{Conn: db}), &gorm.Config{})
}
