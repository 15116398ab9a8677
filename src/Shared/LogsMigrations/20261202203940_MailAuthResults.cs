using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MailHost.Shared.LogsMigrations
{
    /// <inheritdoc />
    public partial class MailAuthResults : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "MailAuthResults",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TimeUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    QueueId = table.Column<string>(type: "TEXT", nullable: false),
                    MessageId = table.Column<string>(type: "TEXT", nullable: false),
                    SourceIp = table.Column<string>(type: "TEXT", nullable: false),
                    Helo = table.Column<string>(type: "TEXT", nullable: false),
                    MailFromDomain = table.Column<string>(type: "TEXT", nullable: false),
                    FromDomain = table.Column<string>(type: "TEXT", nullable: false),
                    SpfHelo = table.Column<string>(type: "TEXT", nullable: false),
                    Spf = table.Column<string>(type: "TEXT", nullable: false),
                    Dkim = table.Column<string>(type: "TEXT", nullable: false),
                    Dmarc = table.Column<string>(type: "TEXT", nullable: false),
                    DmarcPolicyDomain = table.Column<string>(type: "TEXT", nullable: false),
                    DmarcRequested = table.Column<string>(type: "TEXT", nullable: false),
                    DmarcApplied = table.Column<string>(type: "TEXT", nullable: false),
                    DmarcSpfAligned = table.Column<bool>(type: "INTEGER", nullable: false),
                    DmarcDkimAligned = table.Column<bool>(type: "INTEGER", nullable: false),
                    Arc = table.Column<string>(type: "TEXT", nullable: false),
                    Policy = table.Column<string>(type: "TEXT", nullable: false),
                    Disposition = table.Column<string>(type: "TEXT", nullable: false),
                    RejectReason = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MailAuthResults", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_MailAuthResults_MessageId",
                table: "MailAuthResults",
                column: "MessageId");

            migrationBuilder.CreateIndex(
                name: "IX_MailAuthResults_QueueId",
                table: "MailAuthResults",
                column: "QueueId");

            migrationBuilder.CreateIndex(
                name: "IX_MailAuthResults_TimeUtc",
                table: "MailAuthResults",
                column: "TimeUtc");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "MailAuthResults");
        }
    }
}
