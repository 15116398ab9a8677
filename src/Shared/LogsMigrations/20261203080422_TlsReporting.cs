using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MailHost.Shared.LogsMigrations
{
    /// <inheritdoc />
    public partial class TlsReporting : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "MtaStsPolicies",
                columns: table => new
                {
                    Domain = table.Column<string>(type: "TEXT", nullable: false),
                    PolicyId = table.Column<string>(type: "TEXT", nullable: false),
                    PolicyText = table.Column<string>(type: "TEXT", nullable: false),
                    FetchedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CheckedUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MtaStsPolicies", x => x.Domain);
                });

            migrationBuilder.CreateTable(
                name: "TlsReportCounters",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PeriodStartUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    PolicyDomain = table.Column<string>(type: "TEXT", nullable: false),
                    PolicyType = table.Column<string>(type: "TEXT", nullable: false),
                    PolicyStrings = table.Column<string>(type: "TEXT", nullable: false),
                    PolicyMxHosts = table.Column<string>(type: "TEXT", nullable: false),
                    PolicyHash = table.Column<string>(type: "TEXT", nullable: false),
                    ResultType = table.Column<string>(type: "TEXT", nullable: false),
                    ReceivingMxHost = table.Column<string>(type: "TEXT", nullable: false),
                    ReceivingIp = table.Column<string>(type: "TEXT", nullable: false),
                    SendingIp = table.Column<string>(type: "TEXT", nullable: false),
                    FailureReason = table.Column<string>(type: "TEXT", nullable: false),
                    Count = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TlsReportCounters", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_MtaStsPolicies_ExpiresUtc",
                table: "MtaStsPolicies",
                column: "ExpiresUtc");

            migrationBuilder.CreateIndex(
                name: "IX_TlsReportCounters_Key",
                table: "TlsReportCounters",
                columns: new[] { "PeriodStartUtc", "PolicyDomain", "PolicyHash", "ResultType", "ReceivingMxHost", "ReceivingIp", "SendingIp", "FailureReason" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "MtaStsPolicies");

            migrationBuilder.DropTable(
                name: "TlsReportCounters");
        }
    }
}
