package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/bulwarksec/bulwark/internal/server"
)

type tokenFlags struct {
	dataDir, database, name, role string
	registry                      int64
	expires                       time.Duration
}

func newTokenCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Manage the server's API tokens offline, on its data directory"}
	cmd.AddCommand(newTokenCreateCommand())
	return cmd
}

func newTokenCreateCommand() *cobra.Command {
	var f tokenFlags
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create an API token directly in the server's database (recovery when no admin token is left)",
		Long: `Create an API token in the database of bulwark serve, without the server:
the way back in when every admin token is lost. It needs the same access to
--data-dir (or --database) as the server, and prints the token once.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runTokenCreate(cmd.Context(), &f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.dataDir, "data-dir", defaultDataDir(), "the server's state directory (env BULWARK_DATA_DIR)")
	fl.StringVar(&f.database, "database", "", "postgres://... when the server uses PostgreSQL")
	fl.StringVar(&f.name, "name", "recovery-admin", "the token's name")
	fl.StringVar(&f.role, "role", server.RoleAdmin, "admin, reader or ingest")
	fl.Int64Var(&f.registry, "registry", 0, "the registry (id) an ingest token delivers notifications for")
	fl.DurationVar(&f.expires, "expires", 0, "expire the token after this long (default: never)")
	return cmd
}

func runTokenCreate(ctx context.Context, f *tokenFlags) error {
	var expires time.Time
	if f.expires > 0 {
		expires = time.Now().Add(f.expires)
	}
	t, msg := server.NewTokenRequest(f.name, f.role, f.registry, expires)
	if msg != "" {
		return usageError{fmt.Errorf("%s", msg)}
	}
	st, err := openState(ctx, f.dataDir, f.database)
	if err != nil {
		return err
	}
	defer st.Close()
	secret, err := server.CreateToken(ctx, st, t)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "Created %s token %q (id %d); shown once:\n", t.Role, t.Name, t.ID)
	fmt.Println(secret)
	return nil
}
