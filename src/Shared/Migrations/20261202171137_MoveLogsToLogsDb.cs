using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MailHost.Shared.Migrations
{
    /// <inheritdoc />
    public partial class MoveLogsToLogsDb : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DeliveryLog");

            migrationBuilder.DropTable(
                name: "TlsLog");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DeliveryLog",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Cipher = table.Column<string>(type: "TEXT", nullable: false),
                    MessageId = table.Column<string>(type: "TEXT", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", nullable: false),
                    Recipient = table.Column<string>(type: "TEXT", nullable: false),
                    RemoteHost = table.Column<string>(type: "TEXT", nullable: false),
                    Result = table.Column<string>(type: "TEXT", nullable: false),
                    Sender = table.Column<string>(type: "TEXT", nullable: false),
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    TimeUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    TlsVersion = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliveryLog", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TlsLog",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AuthMechanism = table.Column<string>(type: "TEXT", nullable: false),
                    AuthResult = table.Column<string>(type: "TEXT", nullable: false),
                    AuthUser = table.Column<string>(type: "TEXT", nullable: false),
                    Cipher = table.Column<string>(type: "TEXT", nullable: false),
                    Listener = table.Column<string>(type: "TEXT", nullable: false),
                    Protocol = table.Column<string>(type: "TEXT", nullable: false),
                    RemoteEndpoint = table.Column<string>(type: "TEXT", nullable: false),
                    Sni = table.Column<string>(type: "TEXT", nullable: false),
                    TimeUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    TlsVersion = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TlsLog", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DeliveryLog_MessageId",
                table: "DeliveryLog",
                column: "MessageId");

            migrationBuilder.CreateIndex(
                name: "IX_DeliveryLog_TimeUtc",
                table: "DeliveryLog",
                column: "TimeUtc");

            migrationBuilder.CreateIndex(
                name: "IX_TlsLog_TimeUtc",
                table: "TlsLog",
                column: "TimeUtc");
        }
    }
}
