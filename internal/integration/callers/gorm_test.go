package callers_test

import (
	"errors"
	"testing"

	"github.com/debugtoolbar/debugtoolbar/sqltrace"
	"github.com/libtnb/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

type Author struct {
	ID    uint
	Name  string
	Books []Book
}

type Book struct {
	ID       uint
	Title    string
	AuthorID uint
}

// An Audit row is written by Book's AfterCreate hook.
type Audit struct {
	ID   uint
	What string
}

// AfterCreate is app code that GORM's callbacks run: its own line is the
// caller of its query.
func (b *Book) AfterCreate(tx *gorm.DB) error {
	return tx.Create(&Audit{What: "book " + b.Title}).Error //at:gorm.hook
}

var errNo = errors.New("no")

func TestGORM(t *testing.T) {
	// The dialector is libtnb/sqlite: GORM's on modernc.org/sqlite, pure Go.
	gdb, err := gorm.Open(sqlite.New(sqlite.Config{Conn: openSQLite(t)}), &gorm.Config{Logger: logger.Discard})
	must(t, err)
	ctx, got := sqltrace.Capture(t.Context())
	db := gdb.WithContext(ctx)

	must(t, db.AutoMigrate(&Author{}, &Book{}, &Audit{})) //at:gorm.migrate
	wantEveryCaller(t, got, at("gorm.migrate"))

	a := Author{Name: "Ursula"}
	must(t, db.Create(&a).Error) //at:gorm.create
	wantCallers(t, got, at("gorm.create"), at("gorm.create"), at("gorm.create"))

	// Creating associations runs the hook inside GORM's transaction.
	must(t, db.Create(&Author{Name: "Octavia", Books: []Book{{Title: "Kindred"}, {Title: "Dawn"}}}).Error) //at:gorm.associations
	wantCallers(t, got,
		at("gorm.associations"), // BEGIN
		at("gorm.associations"), // INSERT authors
		at("gorm.associations"), // INSERT books
		at("gorm.hook"),         // INSERT audits, for Kindred
		at("gorm.hook"),         // and for Dawn
		at("gorm.associations"), // COMMIT
	)

	var first Author
	must(t, db.First(&first, a.ID).Error) //at:gorm.first
	wantCallers(t, got, at("gorm.first"))

	var authors []Author
	must(t, db.Preload("Books").Find(&authors).Error) //at:gorm.preload
	wantCallers(t, got, at("gorm.preload"), at("gorm.preload"))

	must(t, db.Transaction(func(tx *gorm.DB) error { //at:gorm.tx
		if err := tx.Create(&Author{Name: "Le Guin"}).Error; err != nil { //at:gorm.tx.create
			return err
		}
		if err := tx.Transaction(func(tx *gorm.DB) error { //at:gorm.savepoint
			return tx.Model(&Author{}).Where("name = ?", "Le Guin").Update("name", "Ursula K. Le Guin").Error //at:gorm.savepoint.update
		}); err != nil {
			return err
		}
		err := tx.Transaction(func(tx *gorm.DB) error { //at:gorm.rollback-to
			return errNo
		})
		if !errors.Is(err, errNo) {
			t.Errorf("nested transaction: %v, want %v", err, errNo)
		}
		return nil
	}))
	wantCallers(t, got,
		at("gorm.tx"),               // BEGIN
		at("gorm.tx.create"),        // INSERT
		at("gorm.savepoint"),        // SAVEPOINT
		at("gorm.savepoint.update"), // UPDATE
		at("gorm.rollback-to"),      // SAVEPOINT
		at("gorm.rollback-to"),      // ROLLBACK TO SAVEPOINT
		at("gorm.tx"),               // COMMIT
	)
}
