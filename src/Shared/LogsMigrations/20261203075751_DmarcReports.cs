using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MailHost.Shared.LogsMigrations
{
    /// <inheritdoc />
    public partial class DmarcReports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DmarcReceived",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ReceivedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    OrgName = table.Column<string>(type: "TEXT", nullable: false),
                    ReporterEmail = table.Column<string>(type: "TEXT", nullable: false),
                    ReportId = table.Column<string>(type: "TEXT", nullable: false),
                    PolicyDomain = table.Column<string>(type: "TEXT", nullable: false),
                    BeginUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EndUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SourceIp = table.Column<string>(type: "TEXT", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    Disposition = table.Column<string>(type: "TEXT", nullable: false),
                    Dkim = table.Column<string>(type: "TEXT", nullable: false),
                    Spf = table.Column<string>(type: "TEXT", nullable: false),
                    HeaderFrom = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DmarcReceived", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DmarcReportsSent",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TimeUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    PolicyDomain = table.Column<string>(type: "TEXT", nullable: false),
                    Recipient = table.Column<string>(type: "TEXT", nullable: false),
                    ReportId = table.Column<string>(type: "TEXT", nullable: false),
                    BeginUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EndUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Records = table.Column<int>(type: "INTEGER", nullable: false),
                    Messages = table.Column<int>(type: "INTEGER", nullable: false),
                    Result = table.Column<string>(type: "TEXT", nullable: false),
                    QueueId = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DmarcReportsSent", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DmarcReceived_PolicyDomain_SourceIp",
                table: "DmarcReceived",
                columns: new[] { "PolicyDomain", "SourceIp" });

            migrationBuilder.CreateIndex(
                name: "IX_DmarcReceived_ReceivedUtc",
                table: "DmarcReceived",
                column: "ReceivedUtc");

            migrationBuilder.CreateIndex(
                name: "IX_DmarcReportsSent_EndUtc",
                table: "DmarcReportsSent",
                column: "EndUtc");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DmarcReceived");

            migrationBuilder.DropTable(
                name: "DmarcReportsSent");
        }
    }
}
